/* The README's example: print every Stripe customer's id and email. */
#include <billtap.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	billtap_client *client;
	billtap_iter *it;
	const billtap_record *rec;
	int rc;

	if (billtap_client_new(&client, "stripe", NULL) < 0)
		return 1;
	billtap_client_set(client, "api_key", getenv("STRIPE_API_KEY"));
	if (getenv("STRIPE_BASE_URL"))
		billtap_client_set(client, "base_url", getenv("STRIPE_BASE_URL"));

	if ((rc = billtap_iter_new(&it, client, BILLTAP_RESOURCE_CUSTOMERS, NULL)) == 0) {
		while ((rc = billtap_iter_next(&rec, it)) == 0) {
			const char *email;
			if (billtap_record_get_str(&email, rec, BILLTAP_FIELD_EMAIL) < 0)
				email = "(none)";
			printf("%s %s\n", billtap_record_id(rec), email);
		}
		billtap_iter_free(it);
	}
	if (rc != BILLTAP_ITEROVER)
		fprintf(stderr, "error: %s\n", billtap_client_error_message(client));
	billtap_client_free(client);
	return rc == BILLTAP_ITEROVER ? 0 : 1;
}
