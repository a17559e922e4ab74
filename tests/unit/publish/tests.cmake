ecra_unit_test(publish manifest)
