package dev.granary.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandCodec;
import dev.granary.storage.command.DataId;
import dev.granary.storage.rocksdb.ReplicaHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the leader turns a proposed file chunk into a log entry: the header goes into the log (a copy, not a view of
 * the request, which the log's cache would keep alive), the bytes beside it; a chunk whose bytes do not match its
 * CRC32C or stated length is refused before anything is appended.
 */
class PartitionStateMachineTest {
    @TempDir
    Path dir;

    private static RaftClientRequest request(Command command) {
        return RaftClientRequest.newBuilder()
                .setClientId(ClientId.randomId())
                .setServerId(RaftPeerId.valueOf("n0"))
                .setGroupId(RaftGroupId.randomId())
                .setCallId(1)
                .setMessage(Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command))))
                .setType(RaftClientRequest.writeRequestType())
                .build();
    }

    private static byte[] stored(byte[] bytes, int crc) {
        return ByteBuffer.allocate(4 + bytes.length).putInt(crc).put(bytes).array();
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Test
    void aFileChunkGoesToTheLogAsItsHeaderAndItsBytesBesideIt() throws IOException {
        byte[] bytes = {1, 2, 3, 4, 5, 6, 7};
        DataId id = new DataId(new byte[16]);
        Command.WriteFileChunk chunk = Command.WriteFileChunk.of(id, 2, 1 << 20, stored(bytes, crc(bytes)));
        try (ReplicaHost host = ReplicaHost.open(dir)) {
            PartitionStateMachine machine = new PartitionStateMachine(0, host, client -> false);
            TransactionContext trx = machine.startTransaction(request(chunk));
            ByteString logData = trx.getStateMachineLogEntry().getLogData();
            assertThat(CommandCodec.decode(logData.toByteArray())).isEqualTo(chunk.header());
            assertThat(logData.size()).isEqualTo(CommandCodec.FILE_CHUNK_HEADER);
            assertThat(trx.getStateMachineLogEntry()
                            .getStateMachineEntry()
                            .getStateMachineData()
                            .toByteArray())
                    .isEqualTo(chunk.value());

            byte[] damaged = stored(bytes, crc(bytes) ^ 1);
            assertThatThrownBy(
                            () -> machine.startTransaction(request(Command.WriteFileChunk.of(id, 2, 1 << 20, damaged))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("CRC32C");

            // Other commands go to the log whole.
            Command other = new Command.DiscardData(id);
            assertThat(CommandCodec.decode(machine.startTransaction(request(other))
                            .getStateMachineLogEntry()
                            .getLogData()
                            .toByteArray()))
                    .isEqualTo(other);
        }
    }
}
