/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/archive_shim.c - the libarchive functions tarball.c uses,
 * loaded on first use (util/dynlib.h says why; http/curl_shim.c is the
 * same idea for libcurl).
 *
 * Definitions keep libarchive's names and signatures and are hidden.
 * Only archive_read_new() can be reached without a handle, so it loads
 * the library; a NULL from it is "out of memory" to libarchive callers,
 * and tarball.c asks ecra_registry_archive_ready() first for the real reason.
 */
#include <archive.h>
#include <archive_entry.h>

#include "registry/registry_int.h"
#include "util/dynlib.h"

static const char *const names[] = {
	"archive_read_new",
	"archive_read_support_filter_all",
	"archive_read_support_format_tar",
	"archive_read_open_filename",
	"archive_read_next_header",
	"archive_read_data",
	"archive_read_free",
	"archive_error_string",
	"archive_entry_pathname",
	"archive_entry_hardlink",
	"archive_entry_symlink",
	"archive_entry_filetype",
	"archive_entry_size",
};

enum {
	F_READ_NEW,
	F_SUPPORT_FILTER_ALL,
	F_SUPPORT_FORMAT_TAR,
	F_OPEN_FILENAME,
	F_NEXT_HEADER,
	F_READ_DATA,
	F_READ_FREE,
	F_ERROR_STRING,
	F_ENTRY_PATHNAME,
	F_ENTRY_HARDLINK,
	F_ENTRY_SYMLINK,
	F_ENTRY_FILETYPE,
	F_ENTRY_SIZE,
	F_COUNT
};

static void (*fns[F_COUNT])(void);

static ecra_dynlib archive_lib = {
	.soname = "libarchive.so.13",
	.package = "libarchive13",
	.names = names,
	.count = F_COUNT,
	.fns = fns,
	.once = PTHREAD_ONCE_INIT,
};

#define FN(type, which) ((type)fns[which])

int ecra_registry_archive_ready(void)
{
	return ecra_dynlib_load(&archive_lib);
}

struct archive *archive_read_new(void)
{
	if (ecra_dynlib_load(&archive_lib) < 0)
		return NULL;
	return FN(struct archive * (*)(void), F_READ_NEW)();
}

int archive_read_support_filter_all(struct archive *a)
{
	return FN(int (*)(struct archive *), F_SUPPORT_FILTER_ALL)(a);
}

int archive_read_support_format_tar(struct archive *a)
{
	return FN(int (*)(struct archive *), F_SUPPORT_FORMAT_TAR)(a);
}

int archive_read_open_filename(
    struct archive *a, const char *filename, size_t block_size)
{
	return FN(int (*)(struct archive *, const char *, size_t),
	    F_OPEN_FILENAME)(a, filename, block_size);
}

int archive_read_next_header(struct archive *a, struct archive_entry **e)
{
	return FN(int (*)(struct archive *, struct archive_entry **),
	    F_NEXT_HEADER)(a, e);
}

la_ssize_t archive_read_data(struct archive *a, void *buf, size_t len)
{
	return FN(la_ssize_t(*)(struct archive *, void *, size_t), F_READ_DATA)(
	    a, buf, len);
}

int archive_read_free(struct archive *a)
{
	if (a == NULL)
		return ARCHIVE_OK;
	return FN(int (*)(struct archive *), F_READ_FREE)(a);
}

const char *archive_error_string(struct archive *a)
{
	return FN(const char *(*)(struct archive *), F_ERROR_STRING)(a);
}

const char *archive_entry_pathname(struct archive_entry *e)
{
	return FN(const char *(*)(struct archive_entry *), F_ENTRY_PATHNAME)(e);
}

const char *archive_entry_hardlink(struct archive_entry *e)
{
	return FN(const char *(*)(struct archive_entry *), F_ENTRY_HARDLINK)(e);
}

const char *archive_entry_symlink(struct archive_entry *e)
{
	return FN(const char *(*)(struct archive_entry *), F_ENTRY_SYMLINK)(e);
}

__LA_MODE_T archive_entry_filetype(struct archive_entry *e)
{
	return FN(__LA_MODE_T(*)(struct archive_entry *), F_ENTRY_FILETYPE)(e);
}

la_int64_t archive_entry_size(struct archive_entry *e)
{
	return FN(la_int64_t(*)(struct archive_entry *), F_ENTRY_SIZE)(e);
}
