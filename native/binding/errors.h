// LibTorch failures become JS TorchErrors (message without the C++ backtrace) at every entry point.
#pragma once
#include <string>
#include <utility>

#include "binding/node_api.h"

namespace nodetorch {

/** A TorchError (or a plain Error before lib/ registered the class) carrying `message`. */
Napi::Error torchError(Napi::Env env, const std::string& message);
/** Rethrows the exception in flight as the matching JS error; call only inside a catch block. */
[[noreturn]] void rethrowAsJsError(Napi::Env env);

/** Runs `body`, turning c10::Error and std::exception into JS errors. */
template <typename Body>
auto guarded(Napi::Env env, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (...) {
    rethrowAsJsError(env);
  }
}

/** Wraps a method so its LibTorch failures reach JS as TorchErrors. */
#define NT_GUARD(info, ...) ::nodetorch::guarded((info).Env(), [&]() { __VA_ARGS__ })

}  // namespace nodetorch
