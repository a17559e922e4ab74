ecra_unit_test(base path)
ecra_unit_test(base base64)
