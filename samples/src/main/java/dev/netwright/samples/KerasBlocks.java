package dev.netwright.samples;

import dev.netwright.dsl.Head;
import dev.netwright.dsl.Inception;
import dev.netwright.dsl.Input;
import dev.netwright.dsl.NaiveInception;
import dev.netwright.dsl.Network;
import dev.netwright.dsl.Node;
import dev.netwright.dsl.Residual;
import dev.netwright.dsl.VGGBlock;

/**
 * The Keras tutorial's models on 256x256x3 input: each ends at its block, with no classifier (head
 * = NONE): forward, and backward from a gradient the caller supplies.
 */
public final class KerasBlocks {
  private KerasBlocks() {}

  /** One VGG block of two 64-filter convolutions. */
  @Network(input = @Input(channels = 3, height = 256, width = 256), head = Head.NONE)
  public interface VggBlock {
    /** 2 x conv 3x3 (64) → max-pool 2: [64, 128, 128]. */
    @VGGBlock(convs = 2, filters = 64)
    Node block1();
  }

  /** Three VGG blocks: 2 x 64, 2 x 128, 4 x 256. */
  @Network(input = @Input(channels = 3, height = 256, width = 256), head = Head.NONE)
  public interface VggBlocks {
    /** [64, 128, 128]. */
    @VGGBlock(convs = 2, filters = 64)
    Node block1();

    /** [128, 64, 64]. */
    @VGGBlock(convs = 2, filters = 128)
    Node block2();

    /** [256, 32, 32]. */
    @VGGBlock(convs = 4, filters = 256)
    Node block3();
  }

  /** The naive Inception module with GoogLeNet 3a's widths (64, 128, 32). */
  @Network(input = @Input(channels = 3, height = 256, width = 256), head = Head.NONE)
  public interface NaiveInception3a {
    /** 64 + 128 + 32 + 3 (pooled input) = 227 channels. */
    @NaiveInception(conv1x1 = 64, conv3x3 = 128, conv5x5 = 32)
    Node inception();
  }

  /** GoogLeNet's 3a and 3b, with 1x1 reductions. */
  @Network(input = @Input(channels = 3, height = 256, width = 256), head = Head.NONE)
  public interface Inception3a3b {
    /** 3a: 64 + 128 + 32 + 32 = 256 channels. */
    @Inception(
        conv1x1 = 64,
        reduce3x3 = 96,
        conv3x3 = 128,
        reduce5x5 = 16,
        conv5x5 = 32,
        poolProjection = 32)
    Node inception3a();

    /** 3b: 128 + 192 + 96 + 64 = 480 channels. */
    @Inception(
        conv1x1 = 128,
        reduce3x3 = 128,
        conv3x3 = 192,
        reduce5x5 = 32,
        conv5x5 = 96,
        poolProjection = 64)
    Node inception3b();
  }

  /** One residual module of 64 filters: a 1x1 projection, since 3 != 64. */
  @Network(input = @Input(channels = 3, height = 256, width = 256), head = Head.NONE)
  public interface ResidualModule {
    /** [64, 256, 256]. */
    @Residual(filters = 64)
    Node residual();
  }
}
