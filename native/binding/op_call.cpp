#include "binding/op_call.h"

#include <sstream>

#include "binding/async_claim.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/promise_worker.h"
#include "binding/tensor_wrap.h"
#include "binding/typed_op.h"
#include "core/op_guards.h"
#include "core/op_registry.h"

namespace nodetorch {
namespace {

struct OpEntry {
  c10::OperatorHandle op;
  std::string displayName;
  /** The unboxed caller when the schema has a common shape (binding/typed_op.h). */
  std::shared_ptr<const TypedOp> typed;
  /** Positions of the arguments the op writes in place (`Tensor(a!)`: self of in-place ops, out=). */
  std::vector<size_t> written;
  /** The argument check of an op that would crash on some inputs (core/op_guards.h), or null. */
  OpGuard guard = nullptr;
};

// Runs the op's guard on its arguments, naming the op in the error.
void checkGuard(Napi::Env env, const OpEntry& entry, const torch::jit::Stack& stack) {
  if (!entry.guard) return;
  try {
    entry.guard(entry.op.schema(), stack);
  } catch (const std::invalid_argument& error) {
    throw torchError(env, entry.displayName + ": " + error.what());
  } catch (const std::logic_error&) {
    // The guard does not fit this LibTorch's schema (an argument it reads is missing): nothing to check.
  }
}

std::vector<size_t> writtenArguments(const c10::FunctionSchema& schema) {
  std::vector<size_t> written;
  for (size_t i = 0; i < schema.arguments().size(); ++i) {
    const auto* alias = schema.arguments()[i].alias_info();
    if (alias && alias->isWrite()) written.push_back(i);
  }
  return written;
}

// An op run now may not write memory that running async work uses.
void checkWrites(Napi::Env env, const OpEntry& entry, const torch::jit::Stack& stack) {
  for (size_t i : entry.written) checkWritable(env, stack[i]);
}

OpEntry& entryOf(Napi::Value handle) {
  if (!handle.IsExternal()) throw Napi::TypeError::New(handle.Env(), "op handle must come from opHandle()");
  return *handle.As<Napi::External<OpEntry>>().Data();
}

// Converts JS arguments (info[first..]) on the JS thread, so a worker thread never touches JS values.
torch::jit::Stack buildStack(const OpEntry& entry, const Napi::CallbackInfo& info, size_t first) {
  const auto& arguments = entry.op.schema().arguments();
  size_t given = info.Length() > first ? info.Length() - first : 0;
  if (given > arguments.size()) {
    throw Napi::TypeError::New(info.Env(), entry.displayName + " takes at most " + std::to_string(arguments.size()) +
                                               " arguments, got " + std::to_string(given));
  }
  torch::jit::Stack stack;
  stack.reserve(arguments.size());
  for (size_t i = 0; i < arguments.size(); ++i) {
    stack.push_back(toIValue(info[first + i], arguments[i], entry.displayName));  // info[n] past the end is undefined
  }
  return stack;
}

Napi::Value outputs(Napi::Env env, const torch::jit::Stack& stack) {
  if (stack.size() == 1) return fromIValue(env, stack[0]);
  Napi::Array array = Napi::Array::New(env, stack.size());
  for (size_t i = 0; i < stack.size(); ++i) array.Set(static_cast<uint32_t>(i), fromIValue(env, stack[i]));
  return array;
}

Napi::Value opHandle(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "operator name must be a string");
    std::string name = info[0].As<Napi::String>();
    std::string overload = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    auto* entry = new OpEntry{findOperator(name, overload), ""};
    entry->displayName = entry->op.schema().name() + (overload.empty() ? "" : "." + overload);
    entry->written = writtenArguments(entry->op.schema());
    entry->guard = guardFor(entry->op);
    if (!entry->guard) entry->typed = makeTypedOp(entry->op);  // guarded ops take the boxed path, which checks
    return Napi::External<OpEntry>::New(info.Env(), entry, [](Napi::Env, OpEntry* e) { delete e; });
  });
}

Napi::Value opSchema(const Napi::CallbackInfo& info) {
  std::ostringstream text;
  text << entryOf(info[0]).op.schema();
  return Napi::String::New(info.Env(), text.str());
}

Napi::Value callOp(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    const OpEntry& entry = entryOf(info[0]);
    torch::jit::Stack stack = buildStack(entry, info, 1);
    checkGuard(info.Env(), entry, stack);
    checkWrites(info.Env(), entry, stack);
    callOperator(entry.op, stack);
    return outputs(info.Env(), stack);
  });
}

// callOpInto(handle, out, ...args): for ops returning one new Tensor; `out` is the Tensor JS made
// to hold it (no call back into JS). Returns out's handle, or -1 for an undefined result.
Napi::Value callOpInto(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    const OpEntry& entry = entryOf(info[0]);
    torch::jit::Stack stack = buildStack(entry, info, 2);
    checkGuard(info.Env(), entry, stack);
    checkWrites(info.Env(), entry, stack);
    callOperator(entry.op, stack);
    if (stack.size() != 1 || !(stack[0].isTensor() || stack[0].isNone())) {
      throw Napi::TypeError::New(info.Env(), entry.displayName + " does not return one Tensor");
    }
    if (stack[0].isNone() || !stack[0].toTensor().defined()) return Napi::Value(Napi::Number::New(info.Env(), -1));
    return TensorWrap::adopt(info.Env(), info[1], std::move(stack[0]).toTensor());
  });
}

// callOpTyped(handle, out, keepAlive, ...args): callOpInto for ops with an unboxed caller (opTypedTensors),
// with every Tensor argument passed as its handle. keepAlive holds the tensor objects during the call.
Napi::Value callOpTyped(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    const OpEntry& entry = entryOf(info[0]);
    if (!entry.typed) throw Napi::TypeError::New(info.Env(), entry.displayName + " has no unboxed caller");
    at::Tensor result = callTyped(*entry.typed, info, 3, entry.displayName);
    return TensorWrap::adopt(info.Env(), info[1], std::move(result));
  });
}

// opTypedTensors(handle): which arguments callOpTyped takes as tensor handles (a bit set, from the
// schema of this LibTorch), or -1 when the op has no unboxed caller.
Napi::Value opTypedTensors(const Napi::CallbackInfo& info) {
  const OpEntry& entry = entryOf(info[0]);
  return Napi::Number::New(info.Env(), entry.typed ? static_cast<double>(tensorMask(*entry.typed)) : -1.0);
}

// Runs one operator on the libuv thread pool. Its inputs are IValues holding their own tensor
// references, and the claim keeps JS from changing their memory until the worker is gone.
class OpWorker : public PromiseWorker {
 public:
  OpWorker(Napi::Env env, const OpEntry& entry, torch::jit::Stack stack, AsyncClaim claim)
      : PromiseWorker(env, "nodetorch:op"), op_(entry.op), stack_(std::move(stack)), claim_(std::move(claim)) {}

 protected:
  void Compute() override { callOperator(op_, stack_); }
  Napi::Value Result(Napi::Env env) override { return outputs(env, stack_); }

 private:
  c10::OperatorHandle op_;
  torch::jit::Stack stack_;
  AsyncClaim claim_;
};

Napi::Value callOpAsync(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    const OpEntry& entry = entryOf(info[0]);
    torch::jit::Stack stack = buildStack(entry, info, 1);
    checkGuard(info.Env(), entry, stack);
    AsyncClaim claim(info.Env());
    for (size_t i : entry.written) claim.writes(stack[i]);
    for (const c10::IValue& value : stack) claim.reads(value);
    return PromiseWorker::start(new OpWorker(info.Env(), entry, std::move(stack), std::move(claim)));
  });
}

}  // namespace

// guardedOps(): the operators whose arguments are checked before the call (core/op_guards.h).
Napi::Value guardedOps(const Napi::CallbackInfo& info) {
  std::vector<std::string> names = guardedOperators();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) out.Set(static_cast<uint32_t>(i), names[i]);
  return out;
}

void initOpCall(Napi::Env env, Napi::Object exports) {
  exports.Set("guardedOps", Napi::Function::New<guardedOps>(env, "guardedOps"));
  exports.Set("opHandle", Napi::Function::New<opHandle>(env, "opHandle"));
  exports.Set("opSchema", Napi::Function::New<opSchema>(env, "opSchema"));
  exports.Set("callOp", Napi::Function::New<callOp>(env, "callOp"));
  exports.Set("callOpInto", Napi::Function::New<callOpInto>(env, "callOpInto"));
  exports.Set("callOpTyped", Napi::Function::New<callOpTyped>(env, "callOpTyped"));
  exports.Set("opTypedTensors", Napi::Function::New<opTypedTensors>(env, "opTypedTensors"));
  exports.Set("callOpAsync", Napi::Function::New<callOpAsync>(env, "callOpAsync"));
}

}  // namespace nodetorch
