/* Repeated member names in a parsed document (json_dup.c), for the provider kit. */
#ifndef BILLTAP_JSON_DUP_H
#define BILLTAP_JSON_DUP_H

#include "billtap/provider.h"

/* Looks for an object whose member name repeats: ref itself when it is an object, and with
 * deep every object inside it too. Returns 1 with *dup the key ref of the first repetition,
 * 0 when there is none (*dup = BILLTAP_JSON_NONE), or BILLTAP_ENOMEM. */
int bt_json_find_duplicate(billtap_json_ref *dup, const billtap_json *doc, billtap_json_ref ref,
                           int deep);

/* A key's decoded name for a message, in out[64]: control characters as '?', a name too
 * long (or holding \u0000) as "(a long or odd name)". */
void bt_json_key_name(char out[64], const billtap_json *doc, billtap_json_ref key);

#endif
