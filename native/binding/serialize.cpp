// torch.save bytes: LibTorch pickles on the thread pool; lib/io writes the file (and reads files itself).
#include "binding/serialize.h"

#include "binding/errors.h"
#include "binding/generic_value.h"
#include "binding/promise_worker.h"
#include "core/serialization.h"

namespace nodetorch {
namespace {

class SaveWorker : public PromiseWorker {
 public:
  SaveWorker(Napi::Env env, c10::IValue value) : PromiseWorker(env, "nodetorch:save"), value_(std::move(value)) {}

 protected:
  void Compute() override {
    bytes_ = saveToBytes(value_);
    value_ = c10::IValue();  // let the tensors go as soon as they are written
  }
  Napi::Value Result(Napi::Env env) override { return Napi::Buffer<char>::Copy(env, bytes_.data(), bytes_.size()); }

 private:
  c10::IValue value_;
  std::vector<char> bytes_;
};

Napi::Value serialize(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, { return PromiseWorker::start(new SaveWorker(info.Env(), genericToIValue(info[0]))); });
}

}  // namespace

void initSerialize(Napi::Env env, Napi::Object exports) {
  exports.Set("serialize", Napi::Function::New<serialize>(env, "serialize"));
}

}  // namespace nodetorch
