#include "binding/async_claim.h"

#include "binding/addon_state.h"
#include "binding/errors.h"

namespace nodetorch {
namespace {

const char* kWrittenMessage =
    "this Tensor is being written by a running async operation: await its Promise before using the tensor";
const char* kReadMessage =
    "cannot change this Tensor in place while a running async operation reads its memory: await its Promise first";

template <typename Visit>
void eachTensor(const c10::IValue& value, Visit&& visit) {
  if (value.isTensor()) {
    if (value.toTensor().defined()) visit(value.toTensor());
  } else if (value.isTensorList()) {
    for (const at::Tensor& tensor : value.toTensorVector()) {
      if (tensor.defined()) visit(tensor);
    }
  } else if (value.isList()) {
    for (const c10::IValue& item : value.toListRef()) eachTensor(item, visit);
  } else if (value.isTuple()) {
    for (const c10::IValue& item : value.toTupleRef().elements()) eachTensor(item, visit);
  } else if (value.isGenericDict()) {
    for (const auto& entry : value.toGenericDict()) eachTensor(entry.value(), visit);
  }
}

}  // namespace

AsyncClaim::AsyncClaim(Napi::Env env) : env_(env), busy_(AddonState::of(env).busy) {}

AsyncClaim::~AsyncClaim() {
  if (!busy_) return;  // moved from
  for (const at::Tensor& tensor : read_) busy_->removeReader(tensor);
  for (const at::Tensor& tensor : written_) busy_->removeWriter(tensor);
}

void AsyncClaim::reads(const at::Tensor& tensor) {
  if (!tensor.defined()) return;
  // add_(a, a): the work may read what it writes itself.
  for (const at::Tensor& own : written_) {
    if (BusyTensors::keyOf(own) == BusyTensors::keyOf(tensor)) return;
  }
  if (busy_->isWritten(tensor)) throw torchError(env_, kWrittenMessage);
  busy_->addReader(tensor);
  read_.push_back(tensor);
}

void AsyncClaim::reads(const c10::IValue& value) {
  eachTensor(value, [this](const at::Tensor& tensor) { reads(tensor); });
}

void AsyncClaim::writes(const c10::IValue& value) {
  eachTensor(value, [this](const at::Tensor& tensor) {
    checkWritable(env_, tensor);
    busy_->addWriter(tensor);
    written_.push_back(tensor);
  });
}

void checkWritable(Napi::Env env, const at::Tensor& tensor) {
  const BusyTensors& busy = *AddonState::of(env).busy;
  if (busy.isWritten(tensor)) throw torchError(env, kWrittenMessage);
  if (busy.isRead(tensor)) throw torchError(env, kReadMessage);
}

void checkWritable(Napi::Env env, const c10::IValue& value) {
  eachTensor(value, [env](const at::Tensor& tensor) { checkWritable(env, tensor); });
}

}  // namespace nodetorch
