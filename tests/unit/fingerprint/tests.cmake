ecra_unit_test(fingerprint content)
ecra_unit_test(fingerprint fingerprint)
