#include "binding/errors.h"

#include <c10/util/Exception.h>

#include "binding/addon_state.h"

namespace nodetorch {

Napi::Error torchError(Napi::Env env, const std::string& message) {
  auto* state = env.GetInstanceData<AddonState>();
  if (state && !state->torchErrorClass.IsEmpty()) {
    Napi::Object error = state->torchErrorClass.New({Napi::String::New(env, message)});
    return Napi::Error(env, error);
  }
  return Napi::Error::New(env, message);
}

void rethrowAsJsError(Napi::Env env) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& error) {
    throw torchError(env, error.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    throw torchError(env, "out of memory: the allocation could not be satisfied");
  } catch (const std::exception& error) {
    throw torchError(env, error.what());
  }
}

}  // namespace nodetorch
