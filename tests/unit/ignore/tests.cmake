ecra_unit_test(ignore glob)
