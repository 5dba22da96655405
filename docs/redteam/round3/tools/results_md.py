"""results.tsv (run.sh) -> a markdown table: name, exit, seconds, ESCAPED / what caught it."""
import sys

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("| defect | exit | s | verdict / what caught it (criterion [status: why]) |")
print("|---|---|---|---|")
for name, code, secs, caught in rows:
    verdict = {"0": "**ESCAPED**", "1": "caught", "2": "could not run/verify"}.get(code, code)
    caught = caught.replace("|", "\\|").replace("**", "")
    if code == "0":
        caught = ""
    print(f"| {name} | {code} | {secs} | {verdict}{': ' + caught[:400] if caught else ''} |")
