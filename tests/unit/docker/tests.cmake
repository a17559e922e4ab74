ecra_unit_test(docker argv)
ecra_unit_test(docker config)
