/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: control requests and replies; an accepted reply must survive format -> parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct status a, b;
	static char again[CTLPROTO_REPLY_MAX];
	char *text = malloc(size + 1);
	int err = 0, err2 = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ctlproto_parse_request(text, size);
	if (ctlproto_parse_reply(text, &a, &err) && err == 0 &&
	    ctlproto_format_status(&a, again, sizeof(again)) > 0) {
		if (!ctlproto_parse_reply(again, &b, &err2) || memcmp(&a, &b, sizeof(a)) != 0)
			abort();
	}
	free(text);
	return 0;
}
