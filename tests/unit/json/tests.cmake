ecra_unit_test(json json)
