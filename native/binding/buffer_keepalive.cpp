#include "binding/buffer_keepalive.h"

#include <memory>
#include <mutex>
#include <thread>

#include "binding/addon_state.h"

namespace nodetorch {

// Shared by every deleter of one environment; outlives the environment if a tensor does.
struct ReleaseChannel {
  std::mutex mutex;
  bool open = true;  // false once the environment is being torn down
  napi_env env = nullptr;
  napi_threadsafe_function toJsThread = nullptr;
  std::thread::id jsThread;
};

namespace {

void releaseOnJsThread(napi_env env, napi_value, void*, void* data) {
  if (env) napi_delete_reference(env, static_cast<napi_ref>(data));
}

}  // namespace

void initBufferKeepAlive(Napi::Env env) {
  auto channel = std::make_shared<ReleaseChannel>();
  AddonState::of(env).releaseChannel = channel;
  channel->env = env;
  channel->jsThread = std::this_thread::get_id();
  napi_value name = Napi::String::New(env, "nodetorch:release-buffer");
  napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, nullptr, releaseOnJsThread,
                                  &channel->toJsThread);
  napi_unref_threadsafe_function(env, channel->toJsThread);  // never keeps the process alive
  env.AddCleanupHook([channel]() {
    std::lock_guard<std::mutex> lock(channel->mutex);
    channel->open = false;
    napi_release_threadsafe_function(channel->toJsThread, napi_tsfn_abort);
  });
}

std::function<void(void*)> keepAlive(Napi::Env env, Napi::Value buffer) {
  napi_ref ref = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, buffer, 1, &ref), {});
  std::shared_ptr<ReleaseChannel> channel = AddonState::of(env).releaseChannel;
  return [channel, ref](void*) {
    std::lock_guard<std::mutex> lock(channel->mutex);
    if (!channel->open) return;  // the environment is gone, and its references with it
    if (std::this_thread::get_id() == channel->jsThread) {
      napi_delete_reference(channel->env, ref);
    } else {
      napi_call_threadsafe_function(channel->toJsThread, ref, napi_tsfn_nonblocking);
    }
  };
}

}  // namespace nodetorch
