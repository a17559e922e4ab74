ecra_unit_test(docker argv)
