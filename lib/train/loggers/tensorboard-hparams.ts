/**
 * TensorBoard's hparams plugin records, as PyTorch's `torch.utils.tensorboard.summary.hparams`
 * writes them: three Summary values whose metadata names the 'hparams' plugin and carries a
 * serialized `HParamsPluginData` (tensorboard/plugins/hparams/plugin_data.proto, api.proto):
 * the experiment (hyperparameter and metric names), the session's start (its hyperparameter
 * values) and, when the run ends, the session's end (its status). The HParams tab reads them.
 * @module
 */
import protobuf from 'protobufjs';
import type { RunStatus } from './logger.js';

// The parts of plugin_data.proto, api.proto and google/protobuf/struct.proto that we write.
const schema = protobuf.Root.fromJSON({
  nested: {
    hparams: {
      nested: {
        HParamsPluginData: {
          fields: {
            version: { type: 'int32', id: 1 },
            experiment: { type: 'Experiment', id: 2 },
            sessionStartInfo: { type: 'SessionStartInfo', id: 3 },
            sessionEndInfo: { type: 'SessionEndInfo', id: 4 },
          },
        },
        Experiment: {
          fields: {
            timeCreatedSecs: { type: 'double', id: 3 },
            hparamInfos: { rule: 'repeated', type: 'HParamInfo', id: 4 },
            metricInfos: { rule: 'repeated', type: 'MetricInfo', id: 5 },
          },
        },
        HParamInfo: { fields: { name: { type: 'string', id: 1 }, type: { type: 'int32', id: 4 } } },
        MetricInfo: { fields: { name: { type: 'MetricName', id: 1 } } },
        MetricName: { fields: { group: { type: 'string', id: 1 }, tag: { type: 'string', id: 2 } } },
        SessionStartInfo: {
          fields: {
            hparams: { keyType: 'string', type: 'Value', id: 1 } as protobuf.IMapField, // map<string, Value>
            startTimeSecs: { type: 'double', id: 5 },
          },
        },
        SessionEndInfo: { fields: { status: { type: 'int32', id: 1 }, endTimeSecs: { type: 'double', id: 2 } } },
        // google.protobuf.Value: a oneof, so that 0 and false are written (protobufjs leaves out
        // proto3 defaults elsewhere).
        Value: {
          oneofs: { kind: { oneof: ['numberValue', 'stringValue', 'boolValue'] } },
          fields: {
            numberValue: { type: 'double', id: 2 },
            stringValue: { type: 'string', id: 3 },
            boolValue: { type: 'bool', id: 4 },
          },
        },
      },
    },
  },
});
const PluginData = schema.lookupType('hparams.HParamsPluginData');

/** The tags TensorBoard looks for (tensorboard/plugins/hparams/metadata.py). */
export const HPARAMS_TAGS = {
  experiment: '_hparams_/experiment',
  sessionStartInfo: '_hparams_/session_start_info',
  sessionEndInfo: '_hparams_/session_end_info',
} as const;

// api.proto's DataType and Status enums.
const DATA_TYPE = { string: 1, bool: 2, float64: 3 } as const;
const STATUS: Record<RunStatus, number> = {
  success: 1, // STATUS_SUCCESS
  failed: 2, // STATUS_FAILURE
  // TensorBoard has no "stopped by the user" status; STATUS_UNKNOWN says neither success nor failure.
  interrupted: 0,
};

/** A Summary.Value of the hparams plugin (tag and metadata; TensorBoard fills in a null tensor). */
export interface HparamsValue {
  /** One of {@link HPARAMS_TAGS}. */
  tag: string;
  /** SummaryMetadata naming the plugin, with the serialized HParamsPluginData. */
  metadata: { pluginData: { pluginName: 'hparams'; content: Uint8Array } };
}

function value(tag: string, data: Record<string, unknown>): HparamsValue {
  const content = PluginData.encode(PluginData.fromObject({ version: 0, ...data })).finish();
  return { tag, metadata: { pluginData: { pluginName: 'hparams', content } } };
}

/**
 * The experiment and session-start values for flat hyperparameters `params` (numbers, strings and
 * booleans as themselves, other values as JSON text, null and undefined left out) and the metric
 * tags the HParams tab shows beside them.
 */
export function hparamsStart(params: Record<string, unknown>, metricTags: readonly string[], now: number): HparamsValue[] {
  const hparamInfos: { name: string; type: number }[] = [];
  const hparams: Record<string, Record<string, unknown>> = {};
  for (const [name, raw] of Object.entries(params)) {
    if (raw === null || raw === undefined) continue;
    const v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof v === 'number') {
      hparams[name] = { numberValue: v };
      hparamInfos.push({ name, type: DATA_TYPE.float64 });
    } else if (typeof v === 'boolean') {
      hparams[name] = { boolValue: v };
      hparamInfos.push({ name, type: DATA_TYPE.bool });
    } else {
      hparams[name] = { stringValue: typeof v === 'string' ? v : JSON.stringify(v) };
      hparamInfos.push({ name, type: DATA_TYPE.string });
    }
  }
  const metricInfos = metricTags.map((tag) => ({ name: { group: '', tag } }));
  return [
    value(HPARAMS_TAGS.experiment, { experiment: { timeCreatedSecs: now, hparamInfos, metricInfos } }),
    value(HPARAMS_TAGS.sessionStartInfo, { sessionStartInfo: { hparams, startTimeSecs: now } }),
  ];
}

/** The session-end value: the run's status and end time. */
export function hparamsEnd(status: RunStatus, now: number): HparamsValue {
  return value(HPARAMS_TAGS.sessionEndInfo, { sessionEndInfo: { status: STATUS[status], endTimeSecs: now } });
}
