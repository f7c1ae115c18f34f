/* GET /v1/{resource}/{id}: one object. */
#ifndef STRIPE_RETRIEVE_H
#define STRIPE_RETRIEVE_H

#include "sandbox_provider.h"
#include "stripe_model.h"
#include "stripe_render.h"

void st_retrieve(const st_dataset *ds, int res, const char *id, const sb_request *req,
                 const st_shape *sh, sb_response *resp);

#endif
