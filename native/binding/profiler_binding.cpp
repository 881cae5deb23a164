// torch.profiler's native half: starts and stops the collector and hands its events to lib/profiler
// as columns (one typed array per field, names and shapes as string tables), which a profile of a
// few training steps (100k+ events) crosses far faster than as one object per event.
#include "binding/profiler_binding.h"

#include <unordered_map>

#include "binding/errors.h"
#include "core/profiler.h"

namespace nodetorch {
namespace {

Napi::Value profilerStart(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    profiler::Options options;
    if (info[0].IsObject()) {
      Napi::Object given = info[0].As<Napi::Object>();
      options.recordShapes = given.Get("recordShapes").ToBoolean().Value();
      options.profileMemory = given.Get("profileMemory").ToBoolean().Value();
    }
    profiler::start(options);
    return info.Env().Undefined();
  });
}

// Interns strings so each distinct name or shape list crosses once.
class StringTable {
 public:
  double indexOf(const std::string& text) {
    auto [it, added] = index_.emplace(text, static_cast<double>(strings_.size()));
    if (added) strings_.push_back(text);
    return it->second;
  }
  Napi::Array toJs(Napi::Env env) const {
    Napi::Array out = Napi::Array::New(env, strings_.size());
    for (size_t i = 0; i < strings_.size(); ++i) out.Set(static_cast<uint32_t>(i), strings_[i]);
    return out;
  }

 private:
  std::unordered_map<std::string, double> index_;
  std::vector<std::string> strings_;
};

Napi::Value profilerStop(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    Napi::Env env = info.Env();
    std::vector<profiler::Event> events = profiler::stop();
    size_t count = events.size();
    const char* fields[] = {"id",    "parent", "kind",       "name",       "shapes",      "startNs",
                            "endNs", "thread", "sequenceNr", "selfMemory", "memoryBytes", "totalAllocated"};
    constexpr size_t fieldCount = sizeof(fields) / sizeof(fields[0]);
    std::vector<Napi::Float64Array> columns;
    for (size_t f = 0; f < fieldCount; ++f) columns.push_back(Napi::Float64Array::New(env, count));
    StringTable names;
    StringTable shapes;
    for (size_t i = 0; i < count; ++i) {
      const profiler::Event& e = events[i];
      const double row[] = {static_cast<double>(e.id),          static_cast<double>(e.parent),
                            static_cast<double>(e.kind),        names.indexOf(e.name),
                            shapes.indexOf(e.inputShapes),      static_cast<double>(e.startNs),
                            static_cast<double>(e.endNs),       static_cast<double>(e.thread),
                            static_cast<double>(e.sequenceNr),  static_cast<double>(e.selfMemoryBytes),
                            static_cast<double>(e.memoryBytes), static_cast<double>(e.totalAllocated)};
      for (size_t f = 0; f < fieldCount; ++f) columns[f][i] = row[f];
    }
    Napi::Object out = Napi::Object::New(env);
    for (size_t f = 0; f < fieldCount; ++f) out.Set(fields[f], columns[f]);
    out.Set("names", names.toJs(env));
    out.Set("shapeTable", shapes.toJs(env));
    out.Set("sessionThread", static_cast<double>(profiler::sessionThreadId()));
    return Napi::Value(out);
  });
}

Napi::Value profilerBeginSpan(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) {
    Napi::TypeError::New(info.Env(), "span name must be a string").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), static_cast<double>(profiler::beginSpan(info[0].As<Napi::String>())));
}

Napi::Value profilerEndSpan(const Napi::CallbackInfo& info) {
  if (info[0].IsNumber()) profiler::endSpan(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

Napi::Value profilerNow(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(profiler::nowNs()));
}

}  // namespace

void initProfiler(Napi::Env env, Napi::Object exports) {
  exports.Set("profilerStart", Napi::Function::New<profilerStart>(env, "profilerStart"));
  exports.Set("profilerStop", Napi::Function::New<profilerStop>(env, "profilerStop"));
  exports.Set("profilerBeginSpan", Napi::Function::New<profilerBeginSpan>(env, "profilerBeginSpan"));
  exports.Set("profilerEndSpan", Napi::Function::New<profilerEndSpan>(env, "profilerEndSpan"));
  exports.Set("profilerNow", Napi::Function::New<profilerNow>(env, "profilerNow"));
}

}  // namespace nodetorch
