import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeElement;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.Arrays;

/**
 * Java agent for a notebook kernel on JDK 24 or newer, where {@code Subject.getSubject(AccessControlContext)} always
 * throws {@code UnsupportedOperationException}. Hadoop 3.4 (Spark's file system and output committer layer) calls it
 * for the current user before reading or writing any file (HADOOP-19212, fixed in Hadoop after 3.4). As Hadoop's
 * classes load, the agent rewrites each such call to {@code Subject.current()}, which returns the subject that
 * {@code Subject.doAs}/{@code callAs} runs the code as, i.e. what {@code getSubject} returned on older JDKs. The project
 * itself runs on Java 17 and does not need it; the runner adds it to the kernel's JVM (a JDK 24+ compiles it).
 *
 * <pre>
 * java -javaagent:hadoop-subject-agent.jar ...
 * </pre>
 */
public final class HadoopSubjectAgent {

    private static final ClassDesc SUBJECT = ClassDesc.of("javax.security.auth.Subject");
    private static final byte[] NAME = "getSubject".getBytes(StandardCharsets.UTF_8);

    private HadoopSubjectAgent() {}

    public static void premain(String arguments, Instrumentation instrumentation) {
        instrumentation.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                                    byte[] bytes) {
                if (className == null || !className.startsWith("org/apache/hadoop/") || !mentionsGetSubject(bytes)) {
                    return null;
                }
                try {
                    return rewrite(loader, bytes);
                } catch (RuntimeException e) {
                    // The JVM would drop the exception silently and load the class unchanged.
                    System.err.println("HadoopSubjectAgent: Cannot rewrite " + className + ": " + e);
                    return null;
                }
            }
        });
    }

    private static boolean mentionsGetSubject(byte[] bytes) {
        for (int i = 0; i + NAME.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + NAME.length, NAME, 0, NAME.length)) {
                return true;
            }
        }
        return false;
    }

    /** The class with every {@code Subject.getSubject(acc)} replaced by {@code Subject.current()}, or null if none. */
    private static byte[] rewrite(ClassLoader loader, byte[] bytes) {
        ClassFile files = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
        ClassModel model = files.parse(bytes);
        boolean calls = model.methods().stream().flatMap(m -> m.code().stream())
                .flatMap(code -> code.elementStream()).anyMatch(HadoopSubjectAgent::isGetSubject);
        if (!calls) {
            return null;
        }
        return files.transformClass(model, ClassTransform.transformingMethodBodies((code, element) -> {
            if (isGetSubject(element)) {
                code.pop(); // the AccessControlContext argument
                code.invokestatic(SUBJECT, "current", MethodTypeDesc.of(SUBJECT));
            } else {
                code.with(element);
            }
        }));
    }

    private static boolean isGetSubject(CodeElement element) {
        return element instanceof InvokeInstruction call && call.owner().asSymbol().equals(SUBJECT)
                && call.name().equalsString("getSubject") && call.typeSymbol().parameterCount() == 1;
    }
}
