package io.spillway.broker.share;

import io.spillway.broker.share.SharePartition.AckBatch;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareFetchRequestData;

import java.util.ArrayList;
import java.util.List;

/** The acknowledgement batches of ShareFetch and ShareAcknowledge requests (two generated classes, one meaning). */
final class AckBatches {
    private AckBatches() {
    }

    static List<AckBatch> of(List<ShareFetchRequestData.AcknowledgementBatch> batches) {
        List<AckBatch> out = new ArrayList<>(batches.size());
        for (ShareFetchRequestData.AcknowledgementBatch b : batches) {
            out.add(new AckBatch(b.firstOffset(), b.lastOffset(), types(b.acknowledgeTypes())));
        }
        return out;
    }

    static List<AckBatch> ofAcknowledge(List<ShareAcknowledgeRequestData.AcknowledgementBatch> batches) {
        List<AckBatch> out = new ArrayList<>(batches.size());
        for (ShareAcknowledgeRequestData.AcknowledgementBatch b : batches) {
            out.add(new AckBatch(b.firstOffset(), b.lastOffset(), types(b.acknowledgeTypes())));
        }
        return out;
    }

    private static byte[] types(List<Byte> types) {
        byte[] out = new byte[types.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = types.get(i);
        }
        return out;
    }
}
