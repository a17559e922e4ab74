ecra_unit_test(util buf)
