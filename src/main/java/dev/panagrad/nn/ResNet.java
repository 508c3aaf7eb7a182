package dev.panagrad.nn;

import dev.panagrad.Scope;
import dev.panagrad.Tensor;

/**
 * ResNet with {@link BasicBlock}s: resnet18's topology (four stages of two blocks, widths w,
 * 2w, 4w, 8w, strides 1, 2, 2, 2, global average pooling, a linear classifier) with the
 * base width and the input size as parameters. Large inputs get torchvision's stem (7x7
 * stride-2 convolution and a max pool); inputs under 64 pixels get a 3x3 stride-1 stem
 * without the max pool, as CIFAR-style ResNets do. Parameter names follow torchvision
 * (conv1.weight, layer1.0.conv1.weight, fc.bias, ...), and so does initialisation
 * (kaiming-normal fan-out convolutions, batch norm weight 1 and bias 0).
 */
public class ResNet extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool;
    private final Sequential[] layers = new Sequential[4];
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    /**
     * @param blocks      blocks per stage ({2, 2, 2, 2} for resnet18)
     * @param width       channels of the first stage (64 for resnet18)
     * @param inChannels  input channels
     * @param inputSize   input height/width, deciding the stem
     * @param numClasses  outputs of the classifier
     */
    public ResNet(int[] blocks, int width, int inChannels, int inputSize, int numClasses) {
        if (blocks.length != 4) throw new IllegalArgumentException("ResNet: expected 4 stages, got " + blocks.length);
        boolean small = inputSize < 64;
        conv1 = register("conv1", small ? new Conv2d(inChannels, width, 3, 1, 1, false) : new Conv2d(inChannels, width, 7, 2, 3, false));
        bn1 = register("bn1", new BatchNorm2d(width));
        register("relu", new ReLU());
        maxpool = small ? null : register("maxpool", new MaxPool2d(3, 2, 1));
        int in = width;
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[s]; b++) {
                stage.add(new BasicBlock(in, planes, b == 0 && s > 0 ? 2 : 1));
                in = planes;
            }
            layers[s] = register("layer" + (s + 1), stage);
        }
        avgpool = register("avgpool", new AdaptiveAvgPool2d(1));
        fc = register("fc", new Linear(in, numClasses));
        torchvisionInit();
    }

    /** resnet18 with a chosen base width, input channels, input size and number of classes. */
    public static ResNet resnet18(int width, int inChannels, int inputSize, int numClasses) {
        return new ResNet(new int[] {2, 2, 2, 2}, width, inChannels, inputSize, numClasses);
    }

    private void torchvisionInit() {
        for (Module m : modules()) {
            if (m instanceof Conv2d c) {
                int[] s = c.weight().shape();
                int fanOut = s[0] * s[2] * s[3];
                registerInto(c, "weight", Init.kaimingNormalFanOut(fanOut, s));
            }
        }
    }

    private static void registerInto(Module m, String name, Tensor t) {
        m.registerParameter(name, t);
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope s = Scope.open()) {
            Tensor y = bn1.forward(conv1.forward(x)).relu();
            if (maxpool != null) y = maxpool.forward(y);
            for (Sequential stage : layers) y = stage.forward(y);
            y = avgpool.forward(y).flatten(1, -1);
            return s.keep(fc.forward(y));
        }
    }
}
