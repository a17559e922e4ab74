ecra_unit_test(aws clients)
ecra_unit_test(aws credentials)
ecra_unit_test(aws sigv4)
