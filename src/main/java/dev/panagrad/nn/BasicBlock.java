package dev.panagrad.nn;

import dev.panagrad.Scope;
import dev.panagrad.Tensor;

/**
 * ResNet's basic block (two 3x3 convolutions with batch norm, and a shortcut that is a
 * strided 1x1 convolution when the shape changes), named as torchvision names it:
 * conv1, bn1, relu, conv2, bn2, downsample.0, downsample.1.
 */
public class BasicBlock extends Module {
    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final Sequential downsample;

    public BasicBlock(int inPlanes, int planes, int stride) {
        conv1 = register("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, false));
        bn1 = register("bn1", new BatchNorm2d(planes));
        register("relu", new ReLU());
        conv2 = register("conv2", new Conv2d(planes, planes, 3, 1, 1, false));
        bn2 = register("bn2", new BatchNorm2d(planes));
        if (stride != 1 || inPlanes != planes) {
            downsample = register("downsample", new Sequential(new Conv2d(inPlanes, planes, 1, stride, 0, false),
                    new BatchNorm2d(planes)));
        } else {
            downsample = null;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope s = Scope.open()) {
            Tensor out = bn1.forward(conv1.forward(x)).relu();
            out = bn2.forward(conv2.forward(out));
            Tensor identity = downsample == null ? x : downsample.forward(x);
            return s.keep(out.add(identity).relu());
        }
    }
}
