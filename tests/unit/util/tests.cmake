ecra_unit_test(util buf)
ecra_unit_test(util proc)
ecra_unit_test(util dynlib)
ecra_unit_test(util proc_cancel)
