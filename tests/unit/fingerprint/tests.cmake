ecra_unit_test(fingerprint content)
ecra_unit_test(fingerprint walk)
ecra_unit_test(fingerprint fingerprint)
ecra_unit_test(fingerprint copy)
