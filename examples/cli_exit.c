#include "cli_exit.h"

#include <stdio.h>

int cli_exit_for(int rc)
{
	switch (rc) {
	case BILLTAP_OK:
	case BILLTAP_ITEROVER:
		return CLI_EXIT_OK;
	case BILLTAP_EUNKNOWN_PROVIDER:
	case BILLTAP_EUNKNOWN_SETTING:
	case BILLTAP_EUNSUPPORTED:
	case BILLTAP_EPLUGIN:
		return CLI_EXIT_USAGE;
	case BILLTAP_ESETTING:
	case BILLTAP_EAUTH:
	case BILLTAP_EPERMISSION:
	case BILLTAP_EREQUEST:
	case BILLTAP_EPARSE:
	case BILLTAP_EDATA:
	case BILLTAP_ECHECKPOINT:
	case BILLTAP_ETLS:
		return CLI_EXIT_PERMANENT;
	case BILLTAP_ENETWORK:
	case BILLTAP_ETIMEOUT:
	case BILLTAP_ERATELIMIT:
	case BILLTAP_ESERVER:
		return CLI_EXIT_TEMPORARY;
	case BILLTAP_ECANCELED:
		return CLI_EXIT_INTERRUPTED;
	default:
		return CLI_EXIT_FAILURE;
	}
}

static const char *advice(int status)
{
	switch (status) {
	case CLI_EXIT_USAGE:
		return "usage error";
	case CLI_EXIT_PERMANENT:
		return "permanent error, fix it before running again";
	case CLI_EXIT_TEMPORARY:
		return "temporary error, run again later";
	default:
		return "error";
	}
}

int cli_report_error(const billtap_client *client, int rc)
{
	const char *msg = client ? billtap_client_error_message(client) : "";
	int http = client ? billtap_client_error_http_status(client) : 0;
	const char *request_id = client ? billtap_client_error_request_id(client) : NULL;
	const char *provider_code = client ? billtap_client_error_provider_code(client) : NULL;
	int status = cli_exit_for(rc);
	fprintf(stderr, "billtap: %s\n", *msg ? msg : billtap_strerror(rc));
	/* The same details once more, each labelled, for logs and people who grep them. */
	fprintf(stderr, "billtap: %s (%s", advice(status), billtap_strerror(rc));
	if (http)
		fprintf(stderr, "; HTTP %d", http);
	if (request_id)
		fprintf(stderr, "; request %s", request_id);
	if (provider_code)
		fprintf(stderr, "; provider code %s", provider_code);
	fprintf(stderr, "; exit %d)\n", status);
	return status;
}
