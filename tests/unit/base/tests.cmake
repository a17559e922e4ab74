ecra_unit_test(base path)
