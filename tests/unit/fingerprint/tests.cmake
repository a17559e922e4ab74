ecra_unit_test(fingerprint content)
