ecra_unit_test(registry client)
ecra_unit_test(registry archive)
ecra_unit_test(registry gzip)
