ecra_unit_test(ignore glob)
ecra_unit_test(ignore git)
ecra_unit_test(ignore docker)
ecra_unit_test(ignore jsre)
