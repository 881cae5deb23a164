// node-addon-api, configured so tensor finalizers run inside the garbage collector.
//
// By default Node defers N-API finalizers to the event loop: a synchronous training loop never
// yields, so no tensor would be freed until it ends. Modules built for NAPI_VERSION_EXPERIMENTAL
// get "basic" finalizers run directly from the GC (Node >= 20.10). node-addon-api then hands any
// finalizer that needs a full env to node_api_post_finalizer, which Node exports but which the
// node-api-headers package used by cmake-js does not declare: declare it here.
#pragma once
#include <js_native_api.h>

#if NAPI_VERSION == NAPI_VERSION_EXPERIMENTAL && !defined(NODE_API_EXPERIMENTAL_HAS_POST_FINALIZER)
extern "C" NAPI_EXTERN napi_status NAPI_CDECL node_api_post_finalizer(node_api_basic_env env, napi_finalize finalize_cb,
                                                                      void* finalize_data, void* finalize_hint);
#define NODE_API_EXPERIMENTAL_HAS_POST_FINALIZER
#endif

#include <napi.h>
