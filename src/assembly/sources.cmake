list(APPEND ECRA_SOURCES
  src/assembly/app.c
  src/assembly/appfile.c
  src/assembly/docker_asset.c
  src/assembly/feature_flags.c
  src/assembly/iam.c
  src/assembly/logical_id.c
  src/assembly/manifest.c
  src/assembly/synth.c
  src/assembly/tarball_asset.c
  src/assembly/template.c)
