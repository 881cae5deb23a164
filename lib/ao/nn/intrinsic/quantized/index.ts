/**
 * torch.ao.nn.intrinsic.quantized: the quantized forms of the fused modules, each one kernel
 * (`quantized::linear_relu`, `quantized::conv2d_relu.new`), made by convert from LinearReLU and ConvReLU2d.
 * @module
 */
import { Op } from '../../../../tensor/op.js';
import type { Tensor } from '../../../../tensor/tensor.js';
import { Conv2d } from '../../quantized/conv.js';
import { Linear } from '../../quantized/linear.js';
import type { ScriptObject } from '../../quantized/utils.js';

const linearRelu = new Op<[Tensor, ScriptObject, number, number], Tensor>('quantized::linear_relu');
const conv2dRelu = new Op<[Tensor, ScriptObject, number, number], Tensor>('quantized::conv2d_relu', 'new');

/** Quantized Linear followed by ReLU in one kernel (from an observed intrinsic LinearReLU). */
export class LinearReLU extends Linear {
  override forward(input: Tensor): Tensor {
    return linearRelu.call([input, this.packed, this.scale, this.zeroPoint]);
  }
}

/** Quantized Conv2d followed by ReLU in one kernel (from an observed intrinsic ConvReLU2d). */
export class ConvReLU2d extends Conv2d {
  protected override run(input: Tensor): Tensor {
    return conv2dRelu.call([input, this.packed, this.scale, this.zeroPoint]);
  }
}
