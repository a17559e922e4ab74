/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/jsre.c - fuzz the one regex engine of src/ignore with random
 * regexes and subjects. Besides no crash, no hang and no leak, every
 * input checks that its three ways of answering agree: the lazy DFA, the
 * Pike VM in its yes/no mode, and the exact mode (captures, the
 * backtracking semantics); and that a yes/no test stays linear: without
 * lookaheads the Pike VM does at most a constant times (program size x
 * (length + 1)) steps, and the DFA one step per input unit.
 *
 * Input: first byte = flags (bit 0 i, bit 1 u), then the regex source, a
 * NUL, then the subject (UTF-8, decoded as Node does).
 */
#include <stdlib.h>
#include <string.h>

#include "ignore/jsre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ecra_jsre *compile(const ecra_u16 *p, unsigned flags)
{
	ecra_jsre *re = NULL;
	const char *why = NULL;

	if (ecra_jsre_compile(&re, p->ptr, p->len, flags, &why) < 0)
		return NULL;
	return re;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ecra_u16 p = { 0 }, s = { 0 };
	ecra_jsre *dfa = NULL, *pike = NULL;
	const uint8_t *nul;
	unsigned flags;
	size_t caps[2 * 64], insts, looks, work = 0, n;
	bool backrefs = false, m_dfa = false, m_pike = false, m_exact = false;

	if (size < 1 || size > 2048)
		return 0;
	flags = (data[0] & 1 ? ECRA_JSRE_ICASE : 0) |
	        (data[0] & 2 ? ECRA_JSRE_UNICODE : 0);
	if ((flags & ECRA_JSRE_ICASE) && (flags & ECRA_JSRE_UNICODE))
		flags &= ~ECRA_JSRE_ICASE;
	data++;
	size--;
	nul = memchr(data, 0, size);
	n = nul ? (size_t)(nul - data) : size;
	if (ecra_jsre_utf8_to_utf16(&p, (const char *)data, n) < 0 ||
	    ecra_jsre_utf8_to_utf16(&s, nul ? (const char *)nul + 1 : "",
	        nul ? size - n - 1 : 0) < 0)
		goto done;
	if ((dfa = compile(&p, flags)) == NULL ||
	    (pike = compile(&p, flags | ECRA_JSRE_NO_DFA)) == NULL)
		goto done;
	ecra_jsre_size(pike, &insts, &looks, &backrefs);
	if (ecra_jsre_exec_work(&m_dfa, dfa, s.ptr, s.len, 0, NULL, &work) < 0)
		goto done;
	work = 0;
	if (ecra_jsre_exec_work(&m_pike, pike, s.ptr, s.len, 0, NULL, &work) <
	    0)
		goto done;
	if (looks == 0 && !backrefs && work > 4 * (insts + 2) * (s.len + 1))
		abort(); /* not linear */
	if (ecra_jsre_groups(pike) < 63 &&
	    ecra_jsre_exec(&m_exact, pike, s.ptr, s.len, 0, caps) == 0 &&
	    (m_exact != m_pike || m_dfa != m_pike))
		abort(); /* the modes disagree */
done:
	ecra_jsre_free(dfa);
	ecra_jsre_free(pike);
	ecra_u16_dispose(&p);
	ecra_u16_dispose(&s);
	return 0;
}
