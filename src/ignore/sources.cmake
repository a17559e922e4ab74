list(APPEND ECRA_SOURCES
  src/ignore/ignore.c
  src/ignore/glob.c
  src/ignore/glob_mem.c
  src/ignore/glob_ast.c
  src/ignore/glob_brace.c
  src/ignore/glob_unicode.c
  src/ignore/git.c
  src/ignore/docker.c
  src/ignore/jsre.c
  src/ignore/jsre_fold.c)
