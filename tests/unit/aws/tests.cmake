ecra_unit_test(aws sigv4)
