ecra_unit_test(aws credentials)
ecra_unit_test(aws sigv4)
