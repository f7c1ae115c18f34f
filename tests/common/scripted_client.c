/* Clients of a scripted transport, unpaced (scripted_client.h). */
#include "scripted_client.h"

#include <stddef.h>

int scripted_client_new(billtap_client **out, const char *provider,
                        const billtap_client_options *opts)
{
	billtap_client *c;
	int rc = billtap_client_new(&c, provider, opts);
	*out = NULL;
	if (rc < 0)
		return rc;
	if ((rc = billtap_client_set(c, "rate_limit", "0")) < 0) {
		billtap_client_free(c);
		return rc;
	}
	/* A script answers in order, whatever the URL asks for: lists cut into windows by
	 * created time (Stripe's parallel_slices) would get pages of the wrong windows. */
	rc = billtap_client_set(c, "parallel_slices", "1");
	if (rc < 0 && rc != BILLTAP_EUNKNOWN_SETTING) {
		billtap_client_free(c);
		return rc;
	}
	*out = c;
	return 0;
}
