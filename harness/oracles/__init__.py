"""CONTRACT §11's rules as oracles: pure judgements over observations, none knowing the defect.

A cell of the inventory needs someone to say what its outcome should be; an oracle does not.
Each module here states one §11 rule as a comparison (Jepsen-checker style: the run records
observations, the module judges them afterwards) and returns one readable line per violation:
the path, the arguments, the actor, and both sides of the comparison.

- ``noninterference`` (§11.1): world A and world B differ only in another yacht's data;
- ``references`` (§11.1): no written row holds another yacht's row id;
- ``containment`` (§11.1): no call adds, changes or removes another yacht's rows;
- ``immutability`` (§11.2): ledger and audit rows before and after each call;
- ``all_or_nothing`` (§11.3): a refused call's footprint, transfer pairs, drift;
- ``quantities`` (§4): each booked ledger row's sign, arithmetic, and the stock it moved;
- ``movements`` (§5/§7): each booked ledger row's type against the caller's tier, its signature;
- ``attribution`` (§11.5): user-naming columns of written rows, decisions on them;
- ``authority`` (§11.4): the plain caller against forged claims and mined role strings.

``observation`` holds the shared shape (an outcome plus the rows before and after).
"""
