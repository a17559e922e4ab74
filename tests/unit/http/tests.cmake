ecra_unit_test(http client)
ecra_unit_test(http proxy)
