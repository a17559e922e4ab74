ecra_unit_test(core error)
ecra_unit_test(core alloc)
ecra_unit_test(core shutdown)
