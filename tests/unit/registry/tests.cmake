ecra_unit_test(registry client)
