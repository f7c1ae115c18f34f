/* Recurly's error envelope: {"error":{"type","message","params":[{"param","message"}]}}. */
#ifndef RECURLY_ERRORS_H
#define RECURLY_ERRORS_H

#include "sandbox_provider.h"

/* Answers `status` with an error of `type` (ErrorTypeEnum) and message. */
void rc_error(sb_response *r, int status, const char *type, const char *message);
/* 400 bad_request about one query parameter; returns -1. */
int rc_error_param(sb_response *r, const char *param, const char *problem, const char *value);
/* The type Recurly gives an error status (401 unauthorized, 429 rate_limited, ...). */
const char *rc_error_type(int status);

#endif
