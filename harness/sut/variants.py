"""Handler variants selectable with ``--lens-sut`` / ``LENS_SUT`` (name -> service class).

``reference`` is the default and the only correct one; ``naive`` is the deliberate
race defect of ``naive.py``.  Handler mutants register further names here.
"""
from __future__ import annotations

from harness.sut import defects
from harness.sut.defects import (
                                 AuditSignatureNullService,
                                 IgnoresDeactivationService,
                                 IgnoresIdempotencyService,
                                 InsufficientAs400Service,
                                 LargeAdjustUnsignedService,
                                 NoReversalPrecheckService,
                                 NoTransferValidationService,
)
from harness.sut.naive import NaiveInventoryService
from harness.sut.service import InventoryService

VARIANTS = {
    "reference": InventoryService,
    "naive": NaiveInventoryService,
    "audit_signature_null": AuditSignatureNullService,
    "large_adjust_unsigned": LargeAdjustUnsignedService,
    "insufficient_as_400": InsufficientAs400Service,
    "ignores_idempotency_key": IgnoresIdempotencyService,
    "ignores_deactivation": IgnoresDeactivationService,
    "no_transfer_validation": NoTransferValidationService,
    "no_reversal_precheck": NoReversalPrecheckService,
    **{cls.variant: cls for cls in (
        defects.LenientUuidService, defects.UnicodeDigitService, defects.EchoedKeyService,
        defects.ActiveContentService, defects.LooseObjectNameService, defects.StringExpService,
        defects.SignatureExtraKeysService, defects.FutureSignatureService, defects.DayAheadSignatureService,
        defects.StaleSignatureService,
        defects.BlankReasonService,
        defects.LeakyErrorsService, defects.PrefixUuidService, defects.StaleAdjustService,
        defects.NoHeaderTimeoutService, defects.NoBodyTimeoutService, defects.RolesAnyYachtService,
        defects.ForeignPartMessageService, defects.ClaimedUserService, defects.SupportTenantHeaderService,
        defects.PrinterBucketsOnPoolService, defects.WriteOffReordersFirstService,
        defects.FleetReplayCacheService,
        defects.HeadsReadYachtFilesService)},
}
