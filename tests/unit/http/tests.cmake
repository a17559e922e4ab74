ecra_unit_test(http client)
