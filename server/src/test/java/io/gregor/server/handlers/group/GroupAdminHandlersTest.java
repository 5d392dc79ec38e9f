package io.gregor.server.handlers.group;

import static io.gregor.server.handlers.group.GroupHandlers.assignment;
import static io.gregor.server.handlers.group.OffsetRequests.fetchAll;
import static io.gregor.server.handlers.group.OffsetRequests.named;
import static io.gregor.server.handlers.group.OffsetRequests.standalone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.util.List;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ListGroups, DescribeGroups and DeleteGroups through their handlers, on a real coordinator (see
 * {@link GroupHandlers}). Group {@code active} is Stable with one member; group {@code idle} is
 * Empty, known only by its committed offsets.
 */
class GroupAdminHandlersTest {
    private static final String ACTIVE = "active";
    private static final String IDLE = "idle";

    @RegisterExtension
    final GroupHandlers groups = GroupHandlers.alone();

    private String member;

    @BeforeEach
    void start() throws Exception {
        member = groups.stableMember(ACTIVE).id();
        groups.commit((short) 9, standalone(IDLE, named("t", 0)));
    }

    @Test
    void shouldListTheGroupsInTheRequestedStatesAndOfTheClassicType() throws Exception {
        assertThat(listed((short) 5, new ListGroupsRequestData()))
            .containsExactlyInAnyOrder(tuple(ACTIVE, "Stable", "consumer", "classic"), tuple(IDLE, "Empty", "", "classic"));
        assertThat(listed((short) 4, new ListGroupsRequestData().setStatesFilter(List.of("stable"))))
            .as("state names match without regard to case").containsExactly(tuple(ACTIVE, "Stable", "consumer", "classic"));
        assertThat(listed((short) 5, new ListGroupsRequestData().setStatesFilter(List.of("Empty")).setTypesFilter(List.of("Classic"))))
            .containsExactly(tuple(IDLE, "Empty", "", "classic"));
        assertThat(listed((short) 5, new ListGroupsRequestData().setTypesFilter(List.of("consumer")))).as("no KIP-848 groups").isEmpty();
    }

    @Test
    void shouldIgnoreFiltersOfVersionsThatDoNotHaveThem() throws Exception {
        assertThat(listed((short) 3, new ListGroupsRequestData().setStatesFilter(List.of("Dead")))).hasSize(2);
        assertThat(listed((short) 4, new ListGroupsRequestData().setTypesFilter(List.of("consumer")))).hasSize(2);
    }

    @Test
    void shouldDescribeAStableGroupWithItsMembersProtocolAndAssignments() throws Exception {
        DescribedGroup group = groups.describe((short) 5, ACTIVE);

        assertThat(group.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(group.groupState()).isEqualTo("Stable");
        assertThat(group.protocolType()).isEqualTo(GroupHandlers.PROTOCOL_TYPE);
        assertThat(group.protocolData()).isEqualTo(GroupHandlers.PROTOCOL);
        assertThat(group.authorizedOperations()).as("not asked for").isEqualTo(Integer.MIN_VALUE);
        DescribedGroupMember described = group.members().get(0);
        assertThat(described.memberId()).isEqualTo(member);
        assertThat(described.clientId()).isEqualTo("test-client");
        assertThat(described.clientHost()).isEqualTo(InetAddress.getLoopbackAddress().toString());
        assertThat(described.memberMetadata()).isEqualTo(GroupHandlers.SUBSCRIPTION);
        assertThat(described.memberAssignment()).isEqualTo(assignment(member));
    }

    @Test
    void shouldAnswerTheAuthorizedOperationsOfAGroupWhenAskedFor() throws Exception {
        DescribeGroupsRequestData request = new DescribeGroupsRequestData().setGroups(List.of(ACTIVE)).setIncludeAuthorizedOperations(true);

        DescribedGroup group = groups.describe((short) 6, request).groups().get(0);

        assertThat(group.authorizedOperations()).as("READ, DELETE and DESCRIBE").isEqualTo((1 << 3) | (1 << 6) | (1 << 8));
    }

    @Test
    void shouldDescribeAMissingGroupAsDeadBeforeVersion6AndAsNotFoundFrom6() throws Exception {
        DescribedGroup v5 = groups.describe((short) 5, "missing");
        DescribedGroup v6 = groups.describe((short) 6, "missing");

        assertThat(v5.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(v5.groupState()).isEqualTo("Dead");
        assertThat(v5.members()).isEmpty();
        assertThat(v6.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(v6.groupState()).isEqualTo("Dead");
        assertThat(v6.errorMessage()).contains("missing");
    }

    @Test
    void shouldDeleteOnlyEmptyGroupsWithTheirOffsets() throws Exception {
        DeleteGroupsResponseData response = groups.deleteGroups(ACTIVE, IDLE, "missing", IDLE);

        assertThat(response.results()).extracting(DeletableGroupResult::groupId, DeletableGroupResult::errorCode).containsExactly(
            tuple(ACTIVE, Errors.NON_EMPTY_GROUP.code()), tuple(IDLE, Errors.NONE.code()), tuple("missing", Errors.GROUP_ID_NOT_FOUND.code()));
        assertThat(groups.fetch((short) 8, fetchAll(IDLE)).groups().get(0).topics()).isEmpty();
        assertThat(groups.describe(IDLE).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(groups.describe(ACTIVE).groupState()).isEqualTo("Stable");
    }

    private List<Tuple> listed(short version, ListGroupsRequestData request) throws Exception {
        return groups.list(version, request).groups().stream()
            .map(g -> tuple(g.groupId(), g.groupState(), g.protocolType(), g.groupType()))
            .toList();
    }
}
