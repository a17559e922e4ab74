ecra_unit_test(publish manifest)
ecra_unit_test(publish run)
ecra_unit_test(publish creds)
ecra_unit_test(publish retry)
