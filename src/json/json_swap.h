/* Handing a parsed document over without parsing again (json.c), for the engine and kit. */
#ifndef BILLTAP_JSON_SWAP_H
#define BILLTAP_JSON_SWAP_H

#include "billtap/provider.h"

/* Exchanges what a and b hold (their last parse and their buffers): O(1). */
void bt_json_swap(billtap_json *a, billtap_json *b);

#endif
