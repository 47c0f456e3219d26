package io.sparkcl.model.encoder;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** Kernels that add the time of every call to a profile under the kernel's method name. */
final class ProfiledKernels {
    private ProfiledKernels() {
    }

    static EncoderKernels wrap(EncoderKernels kernels, EncoderProfile profile) {
        return (EncoderKernels) Proxy.newProxyInstance(EncoderKernels.class.getClassLoader(),
                new Class<?>[]{EncoderKernels.class}, (proxy, method, args) -> {
                    long t0 = System.nanoTime();
                    try {
                        return method.invoke(kernels, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        profile.addKernel(method.getName(), t0);
                    }
                });
    }
}
