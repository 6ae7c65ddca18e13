/**
 * What a network is at run time: {@link dev.netwright.runtime.model.Model}, what the training loop,
 * optimizers and persistence see of it; {@link dev.netwright.runtime.model.GeneratedModel}, the
 * base every generated network extends (input checks, buffer sets per batch size, the order of
 * calls); {@link dev.netwright.runtime.model.Parameters}, its named parameters and buffers over
 * flat arrays, with their initialisers; {@link dev.netwright.runtime.model.HeadType}, its loss; and
 * {@link dev.netwright.runtime.model.OnnxGraph}, its inference graph as ONNX operators.
 */
package dev.netwright.runtime.model;
